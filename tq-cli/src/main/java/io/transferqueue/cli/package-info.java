/** The tq command line. */
package io.transferqueue.cli;
