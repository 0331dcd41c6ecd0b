import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
    private final Map<Object, Set<Object>> byLeadingValue = new ConcurrentHashMap<>();

    H2LeadingKeyIndex(MVMap<KeyValue, Object> keys, String name, List<IndexKey> indexKeys, boolean sparse) {
        super(name, indexKeys, sparse);
        this.keys = keys;
        for (Entry<KeyValue, Object> entry : keys.entrySet()) {
            remember(entry.getKey(), entry.getValue());
        }
    }

    @Override
    public String leadingField() {
        return getKeys().get(0).getKey();
    }

    @Override
    public Iterable<Object> positionsFor(Object value) {
        Set<Object> positions = byLeadingValue.get(new KeyValue(value).normalized().get(0));
        // A position here is the document's _id, and the file backend scans in _id order.
        return positions == null ? List.of() : positions.stream().sorted(ValueComparator.asc()).toList();
    }

    private void remember(KeyValue keyValue, Object position) {
        byLeadingValue.computeIfAbsent(keyValue.get(0), value -> ConcurrentHashMap.newKeySet()).add(position);
    }

    @Override
    protected boolean putKeyPosition(KeyValue keyValue, Object position) {
        Object stored = Missing.ofNullable(position);
        boolean added = keys.putIfAbsent(keyValue, stored) == null;
        if (added) {
            remember(keyValue, stored);
        }
        return added;
    }

    @Override
    protected Object removeDocument(KeyValue keyValue) {
        Object position = keys.remove(keyValue);
        if (position != null) {
            byLeadingValue.computeIfPresent(keyValue.get(0), (value, positions) -> {
                positions.remove(position);
                return positions.isEmpty() ? null : positions;
            });
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
