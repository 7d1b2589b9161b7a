package io.sightline.cluster.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code cluster:list}: the members with what each published (streams, viewers, egress, CPU, record age). */
@Command(scope = "cluster", name = "list", description = "Lists the cluster's nodes with their streams, viewers and load")
@Service
public final class ClusterListCommand implements Action {
    @Reference
    private ClusterView cluster;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Node");
        table.column("Address");
        table.column("HTTP");
        table.column("Streams").alignRight();
        table.column("Viewers").alignRight();
        table.column("Egress kbit/s").alignRight();
        table.column("CPU %").alignRight();
        table.column("Age s").alignRight();
        for (NodeView node : cluster.nodes()) {
            NodeRecord r = node.record();
            String name = node.local() ? node.name() + " (this node)" : node.name();
            if (r == null) {
                table.addRow().addContent(name, node.address(), "-", "-", "-", "-", "-", "no record yet");
            } else {
                table.addRow().addContent(name, node.address(), r.httpUrl(), r.streams().size(), r.viewers(),
                        r.egressKbps(), r.cpuPercent() < 0 ? "-" : String.format("%.1f", r.cpuPercent()),
                        String.format("%.1f", node.ageMillis() / 1000.0));
            }
        }
        table.print(System.out);
        System.out.printf("%d member(s), %d configured%n", cluster.nodes().size(), cluster.configuredMembers());
        return null;
    }
}
