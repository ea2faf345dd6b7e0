/** The built-in samplers: sequential, grpo-group-n, rank-aware and seqlen-balanced. */
package io.transferqueue.sampler;
