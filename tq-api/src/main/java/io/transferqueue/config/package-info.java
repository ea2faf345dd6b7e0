/**
 * Typed configuration: each {@link io.transferqueue.config.ConfigOption} is declared once (key, type,
 * default, description, rule) and read from a {@link io.transferqueue.config.TqConfig} built from
 * defaults, a properties file, {@code TQ_*} environment variables, {@code -Dtq.*} system properties and
 * values set in code, later sources winning.
 */
package io.transferqueue.config;
