/** Telemetry: mkv's meters in Helidon's metrics registry, exported by Helidon's observe feature. */
package mkv.adapter.metrics;
