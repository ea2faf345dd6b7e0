/**
 * The controller over the network: {@link io.transferqueue.rpc.ControllerServer} serves a controller,
 * {@link io.transferqueue.rpc.RemoteControllerApi} is the client side of the same operations.
 */
package io.transferqueue.rpc;
