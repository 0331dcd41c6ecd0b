import java.util.List;

import org.h2.mvstore.MVMap;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;

/**
 * The library's file-backed (H2 MVStore) backend, whose collections also use {@link SubsetIndexLookup}
 * and whose compound unique indexes are {@link H2LeadingKeyIndex}es.
 */
class IndexedH2Backend extends H2Backend {

    /** The map-name prefixes H2Database uses (package-private there), so stored files open as before. */
    private static final String DATA_PREFIX = "databases.";
    private static final String META_PREFIX = "meta.";

    IndexedH2Backend(String fileName) {
        super(fileName);
    }

    @Override
    protected MongoDatabase openOrCreateDatabase(String databaseName) {
        return new Database(databaseName, getCursorRegistry());
    }

    /**
     * An inner class: H2Database's constructor opens its system collections through
     * openOrCreateCollection, before any field of a subclass is set, and the enclosing backend
     * (which javac sets before the super constructor runs) is where the store comes from then.
     */
    private final class Database extends H2Database {
        Database(String databaseName, CursorRegistry cursorRegistry) {
            super(databaseName, getMvStore(), cursorRegistry);
        }

        @Override
        protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
            String namespace = getFullCollectionNamespace(collectionName);
            MVMap<Object, Document> dataMap = getMvStore().openMap(DATA_PREFIX + namespace);
            MVMap<String, Object> metaMap = getMvStore().openMap(META_PREFIX + namespace);
            return new Collection(this, collectionName, options, dataMap, metaMap, cursorRegistry);
        }

        @Override
        protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys,
                                                        boolean sparse) {
            // Not sparse: the library keeps no keys for a sparse index's field inside an array.
            if (keys.size() < 2 || sparse) {
                return super.openOrCreateUniqueIndex(collectionName, indexName, keys, sparse);
            }
            // The map H2Database names for this index, so a file written before opens unchanged.
            String mapName = getFullCollectionNamespace(collectionName) + "._index_" + indexName;
            MVMap<KeyValue, Object> map = getMvStore().openMap(mapName);
            return new H2LeadingKeyIndex(map, indexName, keys, sparse);
        }
    }

    private static final class Collection extends H2Collection {
        Collection(MongoDatabase database, String collectionName, CollectionOptions options,
                   MVMap<Object, Document> dataMap, MVMap<String, Object> metaMap, CursorRegistry cursorRegistry) {
            super(database, collectionName, options, dataMap, metaMap, cursorRegistry);
        }

        @Override
        protected QueryResult queryDocuments(Document query, Document orderBy, int numberToSkip, int limit,
                                             int batchSize, Document fieldSelector) {
            Iterable<Object> positions = SubsetIndexLookup.positions(getIndexes(), query);
            if (positions == null) {
                return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
            }
            return matchDocuments(query, positions, orderBy, numberToSkip, limit, batchSize, fieldSelector);
        }
    }
}
