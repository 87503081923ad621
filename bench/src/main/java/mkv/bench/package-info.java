/**
 * JMH benchmarks of the pieces whose speed the coordinator's figures rest on: placement on
 * the ring, the SQLite index writer, and the HTTP client that talks to the volumes. Run by hand with {@code scripts/jmh.sh}, never by the build.
 */
package mkv.bench;
