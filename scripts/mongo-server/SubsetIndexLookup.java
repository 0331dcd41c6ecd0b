import java.util.Collection;
import java.util.List;
import java.util.Map;

import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.Document;

/**
 * Picks a unique index for a query that names that index's fields and more, or the leading field
 * of a compound one ({@link LeadingKeyLookup}).
 *
 * The library uses an index only when a query's top-level fields are exactly the index's
 * fields, so a conditional update such as {@code {_id: id, status: "posting"}} scans the
 * collection in insertion order until it reaches the document: its cost grows with the
 * collection, and the documents being changed (new payments) are the last ones reached. A real
 * MongoDB answers it from the {@code _id} index and checks the rest against that one document;
 * {@link #positions} does the same. The top-level fields of a query are ANDed, so the documents
 * an index finds for some of them hold every document that matches them all; the caller still
 * matches each candidate against the whole query.
 */
final class SubsetIndexLookup {

    private SubsetIndexLookup() {
    }

    /**
     * The positions of the documents that can match {@code query}, from the first unique, non-sparse
     * index whose fields the query all gives as a plain value (or a {@code $in} of plain values, for a
     * single-field index) and that is not exactly the query's own fields; else from a
     * {@link LeadingKeyLookup} index whose leading field the query gives as a plain value; null when
     * an index answers the query's fields exactly, or none of these applies: the library's own
     * planning then answers.
     */
    static <P> Iterable<P> positions(List<Index<P>> indexes, Document query) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        for (Index<P> index : indexes) {
            if (index.canHandle(query)) {
                return null; // the library's own exact-fields lookup
            }
        }
        for (Index<P> index : indexes) {
            if (!index.isUnique()) {
                continue;
            }
            List<IndexKey> keys = index.getKeys();
            if (keys.size() >= query.size()) {
                continue;
            }
            Document subQuery = new Document();
            for (IndexKey key : keys) {
                Object value = query.get(key.getKey());
                if (!(isPlain(value) || (keys.size() == 1 && isPlainIn(value)))) {
                    subQuery = null;
                    break;
                }
                subQuery.put(key.getKey(), value);
            }
            // The library keeps no keys for a document whose sparse index field lies in an array,
            // so a sparse index could miss a document a scan finds.
            if (subQuery != null && !Boolean.TRUE.equals(index.toIndexDescription().get("sparse"))
                && index.canHandle(subQuery)) {
                return index.getPositions(subQuery);
            }
        }
        for (Index<P> index : indexes) {
            if (index instanceof LeadingKeyLookup<?> leading && isPlain(query.get(leading.leadingField()))) {
                @SuppressWarnings("unchecked")
                Iterable<P> positions = (Iterable<P>) leading.positionsFor(query.get(leading.leadingField()));
                return positions;
            }
        }
        return null;
    }

    /** A value an equality lookup finds exactly: not null, not an operator document, array or pattern. */
    private static boolean isPlain(Object value) {
        return value != null
            && !(value instanceof Document)
            && !(value instanceof Map)
            && !(value instanceof Collection)
            && !value.getClass().isArray()
            && !BsonRegularExpression.isRegularExpression(value);
    }

    /** {@code {$in: [plain, ...]}} and nothing else. */
    private static boolean isPlainIn(Object value) {
        if (!(value instanceof Document document) || document.size() != 1
            || !(document.get("$in") instanceof Collection<?> values)) {
            return false;
        }
        return values.stream().allMatch(SubsetIndexLookup::isPlain);
    }
}
