import java.util.List;
import java.util.Map.Entry;

import org.h2.mvstore.MVMap;

import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.ValueComparator;

/**
 * The file backend's compound unique index (see {@link LeadingKeyLookup}). Its keys live in the
 * same MVStore map, stored the same way, as the library's own H2 unique index keeps them, so a
 * file written before opens unchanged; the positions under each leading value are kept in memory
 * and read from that map when the index opens.
 */
final class H2LeadingKeyIndex extends AbstractUniqueIndex<Object> implements LeadingKeyLookup<Object> {

    private final MVMap<KeyValue, Object> keys;
    // A position here is the document's _id, and the file backend scans in _id order.
    private final LeadingValuePositions<Object> leading = new LeadingValuePositions<>(ValueComparator.asc());

    H2LeadingKeyIndex(MVMap<KeyValue, Object> keys, String name, List<IndexKey> indexKeys, boolean sparse) {
        super(name, indexKeys, sparse);
        this.keys = keys;
        for (Entry<KeyValue, Object> entry : keys.entrySet()) {
            leading.added(entry.getKey(), entry.getValue());
        }
    }

    @Override
    public String leadingField() {
        return getKeys().get(0).getKey();
    }

    @Override
    public Iterable<Object> positionsFor(Object value) {
        return leading.of(value);
    }

    @Override
    protected boolean putKeyPosition(KeyValue keyValue, Object position) {
        Object stored = Missing.ofNullable(position);
        boolean added = keys.putIfAbsent(keyValue, stored) == null;
        if (added) {
            leading.added(keyValue, stored);
        }
        return added;
    }

    @Override
    protected Object removeDocument(KeyValue keyValue) {
        Object position = keys.remove(keyValue);
        if (position != null) {
            leading.removed(keyValue, position);
        }
        return position;
    }

    @Override
    protected Object getPosition(KeyValue keyValue) {
        return keys.get(keyValue);
    }

    @Override
    protected Iterable<Entry<KeyValue, Object>> getIterable() {
        return keys.entrySet();
    }

    @Override
    public long getCount() {
        return keys.sizeAsLong();
    }

    @Override
    public boolean isEmpty() {
        return keys.isEmpty();
    }

    @Override
    public long getDataSize() {
        return getCount();
    }
}
