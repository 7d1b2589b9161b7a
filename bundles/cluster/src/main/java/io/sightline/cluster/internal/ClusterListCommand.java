package io.sightline.cluster.internal;

import io.sightline.api.cluster.ClusterDirectory;
import io.sightline.api.cluster.ClusterNode;
import io.sightline.api.cluster.ClusterOrigin;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/**
 * {@code cluster:list}: the members with what each published (streams, viewers, egress, CPU, record age), then the
 * pull sources with the node reading each.
 */
@Command(scope = "cluster", name = "list", description = "Lists the cluster's nodes with their streams, viewers and load")
@Service
public final class ClusterListCommand implements Action {
    @Reference
    private ClusterDirectory cluster;

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
        List<ClusterNode> nodes = cluster.nodes();
        for (ClusterNode node : nodes) {
            String name = node.local() ? node.name() + " (this node)" : node.name();
            if (node.ageMillis() < 0) {
                table.addRow().addContent(name, node.address(), "-", "-", "-", "-", "-", "no record yet");
            } else {
                table.addRow().addContent(name, node.address(), node.httpUrl(), node.streams(), node.viewers(),
                        node.egressKbps(), node.cpuPercent() < 0 ? "-" : String.format("%.1f", node.cpuPercent()),
                        String.format("%.1f%s", node.ageMillis() / 1000.0, node.fresh() ? "" : " (stale)"));
            }
        }
        table.print(System.out);
        System.out.printf("cluster '%s': %d member(s), %d configured%n", cluster.clusterName(), nodes.size(),
                cluster.configuredMembers());
        List<ClusterOrigin> origins = cluster.origins();
        if (!origins.isEmpty()) {
            ShellTable sources = new ShellTable();
            sources.column("Pull source");
            sources.column("Read by");
            sources.column("Re-homed from");
            origins.forEach(o -> sources.addRow().addContent(o.stream(), o.node(),
                    o.rehomedFrom().isEmpty() ? "-" : String.join(", ", o.rehomedFrom())));
            System.out.println();
            sources.print(System.out);
        }
        return null;
    }
}
