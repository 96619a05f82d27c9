package dev.sigil;

import dev.sigil.config.Config;
import dev.sigil.environment.Environment;
import dev.sigil.environment.EnvironmentAdminRoutes;
import dev.sigil.http.ApiException;
import dev.sigil.http.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** The command line: {@code sigil serve}, {@code dev}, {@code env create} and {@code backup}. Nothing else lives here. */
@Command(name = "sigil", mixinStandardHelpOptions = true, version = "sigil 0.1.0",
        description = "Self-hosted authentication server speaking Dynamic's SDK API.",
        subcommands = {Sigil.Serve.class, Sigil.Dev.class, Sigil.Env.class, Sigil.BackupCommand.class})
public final class Sigil {

    public static void main(String[] args) {
        try {
            // Before anything logs: the first log line decides nothing, but it should already be in the right format.
            dev.sigil.observe.LogFormat.apply(Optional.ofNullable(System.getenv(dev.sigil.observe.LogFormat.ENV)));
        } catch (IllegalArgumentException e) {
            System.err.println("sigil: " + e.getMessage());
            System.exit(2);
        }
        CommandLine commandLine = new CommandLine(new Sigil());
        // Configuration mistakes are the operator's to fix: one clear line, no stack trace.
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof ApiException) {
                cmd.getErr().println("sigil: " + e.getMessage());
                return 2;
            }
            // So are an address it cannot listen on, a database it cannot open, a data directory it cannot write.
            var explained = StartupErrors.explain(e);
            if (explained.isPresent()) {
                cmd.getErr().println("sigil: " + explained.get());
                return 1;
            }
            throw e;
        });
        System.exit(commandLine.execute(args));
    }


    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the server.")
    static class Serve implements Callable<Integer> {
        @Option(names = "--port", description = "port (env SIGIL_PORT, default 8080)")
        Integer port;
        @Option(names = "--host", description = "interface (env SIGIL_HOST, default 127.0.0.1)")
        String host;
        @CommandLine.Mixin
        StorageMixin storage;

        @Override
        public Integer call() {
            Config config = Config.resolve(new Config.Flags(Optional.ofNullable(host), Optional.ofNullable(port),
                    Optional.ofNullable(storage.dataDir), Optional.ofNullable(storage.databaseUrl)), System.getenv());
            App app = App.start(mode(config));
            if (app.services().adminToken.generated()) {
                System.out.println("Generated the admin API token (stored in "
                        + app.services().dataDir.resolve("admin-token") + "; shown only this once):");
                System.out.println("  " + app.services().adminToken.value());
            }
            System.out.println("Sigil listening on http://" + config.host() + ":" + app.port()
                    + " (" + app.services().database.vendor().name().toLowerCase() + ")");
            CountDownLatch stop = new CountDownLatch(1);
            Signal.handle(new Signal("TERM"), s -> stop.countDown());
            Signal.handle(new Signal("INT"), s -> stop.countDown());
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            System.out.println("Sigil stopping: draining in-flight requests");
            app.close();
            return 0;
        }

        Config mode(Config config) {
            return config;
        }
    }

    @Command(name = "dev", mixinStandardHelpOptions = true,
            description = "Run the server for development: one-time codes without a configured email or SMS provider "
                    + "are printed here and listed at GET /api/v0/admin/environments/{id}/dev/outbox.")
    static final class Dev extends Serve {
        @Override
        Config mode(Config config) {
            System.out.println("Development mode: codes without a configured provider are printed to this console");
            return config.inDevMode();
        }
    }

    /** Flags of every command that opens the data directory. */
    static final class StorageMixin {
        @Option(names = "--data-dir", description = "data directory (env SIGIL_DATA_DIR, default ./sigil-data)")
        Path dataDir;
        @Option(names = "--database-url", description = "jdbc:postgresql://... to use PostgreSQL instead of SQLite (env SIGIL_DATABASE_URL)")
        String databaseUrl;

        Config config() {
            return Config.resolve(new Config.Flags(Optional.empty(), Optional.empty(), Optional.ofNullable(dataDir),
                    Optional.ofNullable(databaseUrl)), System.getenv());
        }
    }

    @Command(name = "env", mixinStandardHelpOptions = true, description = "Manage environments.",
            subcommands = {EnvCreate.class})
    static final class Env {
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an environment (as POST /api/v0/admin/environments) and print it as JSON.")
    static final class EnvCreate implements Callable<Integer> {
        @Option(names = "--name", required = true, description = "environment name")
        String name;
        @Option(names = "--origin", description = "allowed origin, e.g. https://app.example.com (repeatable)")
        List<String> origins = List.of();
        @CommandLine.Mixin
        StorageMixin storage;

        @Override
        public Integer call() {
            try (Services services = Services.open(storage.config())) {
                Environment env = services.environments.create(name, origins);
                System.out.println(Json.writeString(EnvironmentAdminRoutes.render(env)));
                return 0;
            }
        }
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = "Copy the data directory to DEST while the server runs: a consistent SQLite snapshot plus the "
                    + "master key and admin token, itself a data directory (sigil serve --data-dir DEST). For PostgreSQL "
                    + "it saves the keys and says how to pg_dump the database.")
    static final class BackupCommand implements Callable<Integer> {
        @CommandLine.Parameters(paramLabel = "DEST", description = "a new (or empty) directory for the backup")
        Path destination;
        @Option(names = "--no-secrets", description = "leave master.key and admin-token out (keep the key elsewhere: "
                + "the database cannot be opened without it)")
        boolean noSecrets;
        @CommandLine.Mixin
        StorageMixin storage;

        @Override
        public Integer call() {
            new Backup(storage.config(), destination, !noSecrets, System.out).run();
            return 0;
        }
    }
}
