/**
 * TLS material from PEM files: certificates, private keys and the checks that a key fits its
 * certificate, turned into Helidon {@link io.helidon.common.tls.Tls} for the coordinator's ports
 * and for the client that speaks to https volumes. Reads files; starts nothing.
 */
package mkv.adapter.tls;
