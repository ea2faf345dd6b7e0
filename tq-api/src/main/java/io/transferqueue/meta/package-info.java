/**
 * Metadata: row handles with generations, field schemas, the columnar immutable
 * {@link io.transferqueue.meta.BatchMeta} and its algebra (concat, union, chunk, select, reorder),
 * {@link io.transferqueue.meta.KvBatchMeta} and {@link io.transferqueue.meta.RoutingGroup}. Metadata never
 * holds payload bytes.
 */
package io.transferqueue.meta;
