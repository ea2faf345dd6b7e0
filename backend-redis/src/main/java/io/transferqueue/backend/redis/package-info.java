/** A key-value backend on Redis or Redis Cluster (Lettuce). */
package io.transferqueue.backend.redis;
