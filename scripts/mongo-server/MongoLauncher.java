import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * Runs mongo-java-server for local development, tests and benchmarks.
 *
 * Usage: MongoLauncher --backend memory|h2 [--file path] [--host 127.0.0.1] [--port 0]
 *
 * Prints "LISTENING host:port" once bound (port 0 picks a free one) and exits when its
 * standard input closes, so it never outlives the Node process that started it, even
 * when that process is killed with SIGKILL.
 */
public final class MongoLauncher {

    /** The mongodb driver 7 (mongoose 9) refuses servers below wire version 9; the
     * library's own MONGO_5_0 constant still reports 8. */
    private static final MongoVersion MONGO_5_0_WIRE_13 = new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
            return List.of(5, 0, 0);
        }

        @Override
        public int getWireVersion() {
            return 13;
        }
    };

    public static void main(String[] args) throws Exception {
        String backendName = "memory";
        String file = null;
        String host = "127.0.0.1";
        int port = 0;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                usage("missing value for " + args[i]);
            }
            switch (args[i]) {
                case "--backend" -> backendName = args[i + 1];
                case "--file" -> file = args[i + 1];
                case "--host" -> host = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                default -> usage("unknown option " + args[i]);
            }
        }

        MongoBackend backend = switch (backendName) {
            case "memory" -> new MemoryBackend();
            case "h2" -> {
                if (file == null) {
                    usage("--backend h2 needs --file");
                }
                yield new H2Backend(file);
            }
            default -> {
                usage("unknown backend " + backendName);
                yield null;
            }
        };
        backend.version(MONGO_5_0_WIRE_13);

        MongoServer server = new MongoServer(backend);
        server.bind(new InetSocketAddress(host, port));
        InetSocketAddress bound = server.getLocalAddress();
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown));
        System.out.println("LISTENING " + bound.getHostString() + ":" + bound.getPort());
        System.out.flush();

        waitForStdinToClose();
        System.exit(0);
    }

    private static void waitForStdinToClose() {
        InputStream in = System.in;
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // Input is ignored: only its end matters.
            }
        } catch (IOException e) {
            // A broken pipe means the parent is gone, same as end of input.
        }
    }

    private static void usage(String problem) {
        System.err.println("MongoLauncher: " + problem);
        System.err.println("usage: MongoLauncher --backend memory|h2 [--file path] [--host 127.0.0.1] [--port 0]");
        System.exit(2);
    }
}
