/**
 * Ports: what the use cases need from the world, as plain interfaces with reply records.
 * Volume failures are values; an index that cannot be read or written throws
 * {@link mkv.domain.port.IndexFailure}, mapped to 500 in exactly one place.
 */
package mkv.domain.port;
