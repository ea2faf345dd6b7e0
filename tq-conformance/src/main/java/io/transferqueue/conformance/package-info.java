/** Abstract JUnit 5 conformance tests every storage backend subclasses. */
package io.transferqueue.conformance;
