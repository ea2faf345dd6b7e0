/**
 * Client-facing types: requests, modes and statistics shared by the embedded and remote clients.
 */
package io.transferqueue.client;
