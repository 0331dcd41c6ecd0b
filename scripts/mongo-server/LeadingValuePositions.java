import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import de.bwaldvogel.mongo.backend.KeyValue;

/**
 * A compound index's positions grouped by the leading value of each key, kept beside the index's
 * own map of whole keys ({@link LeadingKeyLookup}).
 *
 * @param <P> the backend's document position
 */
final class LeadingValuePositions<P> {

    private final Map<Object, Set<P>> byLeadingValue = new ConcurrentHashMap<>();
    private final Comparator<? super P> scanOrder;

    /** {@code scanOrder}: the order in which the backend's scan visits positions. */
    LeadingValuePositions(Comparator<? super P> scanOrder) {
        this.scanOrder = scanOrder;
    }

    /** Records that the index now holds {@code key} (normalized, as the index stores it) at {@code position}. */
    void added(KeyValue key, P position) {
        byLeadingValue.computeIfAbsent(key.get(0), value -> ConcurrentHashMap.newKeySet()).add(position);
    }

    /** Records that the index no longer holds {@code key}, which was at {@code position}. */
    void removed(KeyValue key, P position) {
        byLeadingValue.computeIfPresent(key.get(0), (value, positions) -> {
            positions.remove(position);
            return positions.isEmpty() ? null : positions;
        });
    }

    /** The positions whose key leads with {@code value} (normalized here as keys are), in scan order. */
    List<P> of(Object value) {
        Set<P> positions = byLeadingValue.get(new KeyValue(value).normalized().get(0));
        return positions == null ? List.of() : positions.stream().sorted(scanOrder).toList();
    }
}
