package io.sightline.itests;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;

/**
 * Runs Karaf shell commands in-process, as an operator's console would, and captures what they print
 * (the pattern of Karaf's own {@code KarafTestSupport.executeCommand}).
 */
final class KarafShell {
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

    private final SessionFactory sessions;

    KarafShell(SessionFactory sessions) {
        this.sessions = sessions;
    }

    /** Waits until {@code scope:name} is registered (shell bundles register commands asynchronously). */
    void awaitCommand(String scope, String name) {
        Await.until("command " + scope + ":" + name, Duration.ofSeconds(20),
                () -> sessions.getRegistry().getCommand(scope, name) != null, Boolean::booleanValue);
    }

    /** Executes one command line and returns everything it printed. */
    String execute(String commandLine) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try (Session session = sessions.create(new ByteArrayInputStream(new byte[0]), out, out)) {
            Future<Object> result = runner.submit(() -> session.execute(commandLine));
            Object value = result.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (value != null) {
                out.println(value);
            }
        } finally {
            runner.shutdownNow();
        }
        out.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The cells of the table row whose first column is {@code key}, or an empty list when there is none. */
    static List<String> tableRow(String table, String key) {
        for (String line : table.split("\\R")) {
            String[] cells = line.split("\\|");
            if (cells.length > 1 && cells[0].trim().equals(key)) {
                List<String> row = new ArrayList<>();
                for (String cell : cells) {
                    row.add(cell.trim());
                }
                return row;
            }
        }
        return List.of();
    }
}
