import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.memory.index.MemoryUniqueIndex;

/**
 * The in-memory backend's compound unique index, which also keeps each key's position under the
 * key's leading value (see {@link LeadingKeyLookup}).
 */
final class LeadingKeyIndex extends MemoryUniqueIndex implements LeadingKeyLookup<Integer> {

    private final Map<Object, Set<Integer>> byLeadingValue = new ConcurrentHashMap<>();

    LeadingKeyIndex(String name, List<IndexKey> keys, boolean sparse) {
        super(name, keys, sparse);
    }

    @Override
    public String leadingField() {
        return getKeys().get(0).getKey();
    }

    @Override
    public Iterable<Integer> positionsFor(Object value) {
        Set<Integer> positions = byLeadingValue.get(new KeyValue(value).normalized().get(0));
        // Position order is insertion order but for reused slots: the order a scan gives.
        return positions == null ? List.of() : positions.stream().sorted().toList();
    }

    @Override
    protected boolean putKeyPosition(KeyValue keyValue, Integer position) {
        boolean added = super.putKeyPosition(keyValue, position);
        if (added) {
            byLeadingValue.computeIfAbsent(keyValue.get(0), value -> ConcurrentHashMap.newKeySet()).add(position);
        }
        return added;
    }

    @Override
    protected Integer removeDocument(KeyValue keyValue) {
        Integer position = super.removeDocument(keyValue);
        if (position != null) {
            byLeadingValue.computeIfPresent(keyValue.get(0), (value, positions) -> {
                positions.remove(position);
                return positions.isEmpty() ? null : positions;
            });
        }
        return position;
    }
}
