/**
 * JMH benchmarks of the two pieces whose speed the coordinator's figures rest on: placement on
 * the ring and the SQLite index writer. Run by hand with {@code scripts/jmh.sh}, never by the build.
 */
package mkv.bench;
