/**
 * {@code mkv bench}: a load generator for any minikeyvalue-compatible server. Plain HTTP/1.1
 * over loopback or a network, latencies in HdrHistogram; nothing here touches mkv's own code.
 */
package mkv.loadgen;
