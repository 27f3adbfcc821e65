// The stack's MongoDB wire-protocol store: mongo-java-server with an H2 (MVStore) file backend
// for development, or an in-memory backend for tests that want a clean store.
//
//   java -cp 'classes:libs/*' courses.ops.MongoStore --port 27017 [--host 127.0.0.1]
//        [--backend h2 --file .stack/mongo/courses.mv [--cache-mb 256] | --backend memory] [--oplog false]
//
// It announces MongoDB 6.0.0 with wire version 17: mongo-java-server's own versions map to
// wire version 8 at most, and the mongodb driver 7.x refuses servers below 9. What the store
// implements does not change with the number it announces (see README.md, "The store").
package courses.ops;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.h2.mvstore.MVStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

public final class MongoStore {
  static final MongoVersion ANNOUNCED = new MongoVersion() {
    @Override public List<Integer> getVersionArray() { return List.of(6, 0, 0); }
    @Override public int getWireVersion() { return 17; }
  };

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>(Map.of("host", "127.0.0.1", "port", "27017", "backend", "memory"));
    for (int i = 0; i < argv.length; i++) {
      if (!argv[i].startsWith("--") || i + 1 >= argv.length) usage("bad argument: " + argv[i]);
      args.put(argv[i].substring(2), argv[++i]);
    }
    MongoBackend backend = switch (args.get("backend")) {
      case "memory" -> new MemoryBackend();
      case "h2" -> {
        String file = args.get("file");
        if (file == null) usage("--backend h2 needs --file");
        // MVStore keeps decoded pages in its cache: at its default 16 MB, a store of 10,000
        // courses decodes pages on most reads (measured: relay rounds ~30 % slower).
        int cacheMb = Integer.parseInt(args.getOrDefault("cache-mb", "256"));
        yield new H2Backend(new MVStore.Builder().fileName(file).cacheSize(cacheMb).open());
      }
      default -> { usage("unknown backend " + args.get("backend")); yield null; }
    };
    backend.version(ANNOUNCED);
    MongoServer server = new MongoServer(backend);
    // The oplog gives change streams; every write is written twice for it (--oplog false: not at all).
    if (!"false".equals(args.get("oplog"))) server.enableOplog();
    server.bind(args.get("host"), Integer.parseInt(args.get("port")));
    // SIGTERM: stop listening, close the backend (H2 commits and closes its file).
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "shutdown"));
    System.out.printf("mongo-java-server listening on %s:%s (backend %s%s, announces %s / wire %d)%n",
        args.get("host"), args.get("port"), args.get("backend"),
        args.containsKey("file") ? " " + args.get("file") : "", ANNOUNCED.toVersionString(), ANNOUNCED.getWireVersion());
  }

  private static void usage(String problem) {
    System.err.println(problem + "\nusage: MongoStore --port N [--host H] [--backend memory | --backend h2 --file PATH [--cache-mb N]]");
    System.exit(2);
  }
}
