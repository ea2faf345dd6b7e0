/** The controller: partitions, row lifecycle, waiting fetches and samplers (filled by the controller issue). */
package io.transferqueue.controller;
