/**
 * A compound unique index that also finds documents by its leading field alone, as a real
 * MongoDB's B-tree does for a prefix of its keys: the ledger's chain read
 * {@code find({paymentId}).sort({seq: 1})} on the index {@code {paymentId: 1, seq: 1}}, or a
 * citizen's payments on {@code {citizenSub: 1, idempotencyKey: 1}}. The library keeps a compound
 * index as a map of whole keys, which cannot answer a prefix, so such a read scanned the whole
 * collection (28 ms for a ledger chain at 120,000 transactions). {@link SubsetIndexLookup} asks
 * an index of this kind when no index answers the query's fields.
 *
 * @param <P> the backend's document position
 */
interface LeadingKeyLookup<P> {

    /** The indexed field a query must give as a plain value for {@link #positionsFor}. */
    String leadingField();

    /**
     * The positions of the documents whose leading field holds {@code value}, in the order a scan
     * of the collection visits them.
     */
    Iterable<P> positionsFor(Object value);
}
