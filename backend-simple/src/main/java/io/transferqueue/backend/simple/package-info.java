/** The embedded default backend: in-memory storage units routed by global index. */
package io.transferqueue.backend.simple;
