import java.util.Comparator;
import java.util.List;

import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.memory.index.MemoryUniqueIndex;

/**
 * The in-memory backend's compound unique index, which also keeps each key's position under the
 * key's leading value (see {@link LeadingKeyLookup}).
 */
final class LeadingKeyIndex extends MemoryUniqueIndex implements LeadingKeyLookup<Integer> {

    // Position order is insertion order but for reused slots: the order a scan gives.
    private final LeadingValuePositions<Integer> leading = new LeadingValuePositions<>(Comparator.naturalOrder());

    LeadingKeyIndex(String name, List<IndexKey> keys, boolean sparse) {
        super(name, keys, sparse);
    }

    @Override
    public String leadingField() {
        return getKeys().get(0).getKey();
    }

    @Override
    public Iterable<Integer> positionsFor(Object value) {
        return leading.of(value);
    }

    @Override
    protected boolean putKeyPosition(KeyValue keyValue, Integer position) {
        boolean added = super.putKeyPosition(keyValue, position);
        if (added) {
            leading.added(keyValue, position);
        }
        return added;
    }

    @Override
    protected Integer removeDocument(KeyValue keyValue) {
        Integer position = super.removeDocument(keyValue);
        if (position != null) {
            leading.removed(keyValue, position);
        }
        return position;
    }
}
