/** A key-value backend on an embedded RocksDB. */
package io.transferqueue.backend.rocksdb;
