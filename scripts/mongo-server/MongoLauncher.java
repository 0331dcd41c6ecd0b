import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;

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
            case "memory" -> new IndexedMemoryBackend() {
                @Override
                public Document handleCommand(Channel channel, String database, String command, Document query) {
                    return answerWithSnapshots(this, database, command, query,
                        () -> super.handleCommand(channel, database, command, query));
                }
            };
            case "h2" -> {
                if (file == null) {
                    usage("--backend h2 needs --file");
                }
                yield new IndexedH2Backend(file) {
                    @Override
                    public Document handleCommand(Channel channel, String database, String command, Document query) {
                        return answerWithSnapshots(this, database, command, query,
                            () -> super.handleCommand(channel, database, command, query));
                    }
                };
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

    /** Commands whose answer holds stored documents (lower case). */
    private static final Set<String> READS = Set.of("find", "findandmodify", "getmore", "aggregate", "distinct");

    /** Pipeline stages that read or write a collection other than the command's own. */
    private static final Set<String> OTHER_COLLECTION_STAGES =
        Set.of("$lookup", "$graphLookup", "$unionWith", "$merge", "$out");

    /**
     * Runs {@code handle} (the library's own handling of {@code command}) and returns its answer,
     * which for a read is a deep copy made under the lock of the collection it reads.
     *
     * The library answers a find, a findAndModify and the rest with the very document objects it
     * stores, and encodes the answer after leaving the collection's lock. An update on another
     * connection that adds or removes a field of such a document meanwhile (a checkout superseded
     * while its own move to awaiting_payment is being answered) makes the encoder throw
     * ConcurrentModificationException, and the server closes the connection: the driver reports a
     * MongoNetworkError for a request that did nothing wrong. Without the exception the answer can
     * be half one version of the document, half the next. Holding the collection's lock (the one its
     * own synchronized methods take) until the copy is made gives each answer one document as it
     * was at one moment, as a real MongoDB does.
     *
     * The lock is the command's collection's, taken before the library takes its database's; while
     * holding a database's lock the library takes only the locks of its system collections
     * (system.namespaces, system.indexes), which are never taken here, so no deadlock is added. A
     * pipeline that reads other collections ($lookup and the like) is answered as the library
     * answers it: locking two collections could deadlock, and the project runs none.
     */
    static Document answerWithSnapshots(MongoBackend backend, String database, String command, Document query,
                                        Supplier<Document> handle) {
        MongoCollection<?> collection = collectionRead(backend, database, command, query);
        if (collection == null) {
            return handle.get();
        }
        synchronized (collection) {
            return handle.get().cloneDeeply();
        }
    }

    /**
     * The existing collection whose stored documents {@code command} answers with; null for other
     * commands, the admin database, system collections and pipelines that read other collections.
     */
    private static MongoCollection<?> collectionRead(MongoBackend backend, String database, String command,
                                                     Document query) {
        String name = command.toLowerCase();
        if (!READS.contains(name) || database.equals("admin")) {
            return null;
        }
        Object collectionName = name.equals("getmore") ? query.get("collection") : query.get(command);
        if (!(collectionName instanceof String named) || named.startsWith("system.")
            || readsOtherCollections(query.get("pipeline"))) {
            return null;
        }
        return backend.resolveDatabase(database).resolveCollection(named, false);
    }

    /** Whether an aggregation pipeline (a list of stages, or anything else) names another collection. */
    private static boolean readsOtherCollections(Object pipeline) {
        if (!(pipeline instanceof List<?> stages)) {
            return false;
        }
        for (Object stage : stages) {
            if (stage instanceof Document document
                && document.keySet().stream().anyMatch(OTHER_COLLECTION_STAGES::contains)) {
                return true;
            }
            // A $facet's sub-pipelines may name other collections too.
            if (stage instanceof Document document && document.get("$facet") instanceof Document facets
                && facets.values().stream().anyMatch(MongoLauncher::readsOtherCollections)) {
                return true;
            }
        }
        return false;
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
