package mkv.adapter.tls;

import io.helidon.common.configurable.Resource;
import io.helidon.common.pki.Keys;
import io.helidon.common.tls.Tls;
import io.vavr.collection.List;
import io.vavr.collection.Seq;
import io.vavr.control.Either;
import io.vavr.control.Option;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/**
 * Reads PEM certificates and keys with a clear sentence for every way a file can be wrong
 * (missing, unreadable, not PEM, a key that does not fit its certificate), and builds the TLS of
 * a server (certificate and key) or of a client (the CA it trusts). Keys are read by Helidon's own
 * PEM reader, so a key accepted here is one the server can use.
 */
public final class TlsFiles {
    private TlsFiles() {}

    /** What a key file may hold, in words for an error message. */
    public static final String KEY_FORMATS = "an unencrypted PEM private key (PKCS#8 'BEGIN PRIVATE KEY', or 'BEGIN RSA PRIVATE KEY')";

    /** The certificates in a PEM file, in order (a server's own first, then its chain); at least one. */
    public static Either<String, List<X509Certificate>> certificates(Path file) {
        return read(file).flatMap(bytes -> {
            try {
                var found = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes));
                List<X509Certificate> certs = List.ofAll(found).filter(X509Certificate.class::isInstance).map(X509Certificate.class::cast);
                return certs.isEmpty() ? Either.left(file + " holds no PEM certificate ('BEGIN CERTIFICATE')") : Either.right(certs);
            } catch (GeneralSecurityException | RuntimeException e) {
                return Either.left(file + " holds no readable PEM certificate ('BEGIN CERTIFICATE'): " + e.getMessage());
            }
        });
    }

    /** The private key in a PEM file. */
    public static Either<String, PrivateKey> privateKey(Path file) {
        return read(file).flatMap(bytes -> {
            try {
                Option<PrivateKey> key = Option.ofOptional(Keys.builder()
                        .pem(pem -> pem.key(Resource.create(file.toString(), bytes))).build().privateKey());
                return key.toEither(() -> file + " holds no private key: it must be " + KEY_FORMATS);
            } catch (RuntimeException e) {
                return Either.left(file + " is not " + KEY_FORMATS + ": " + e.getMessage());
            }
        });
    }

    /**
     * Why {@code key} does not belong to {@code cert}, if it does not: something signed with the
     * key must verify with the certificate's public key. A key of a kind this cannot sign with
     * is let through; the TLS handshake is then the judge.
     */
    public static Option<String> mismatch(X509Certificate cert, PrivateKey key) {
        PublicKey published = cert.getPublicKey();
        if (!published.getAlgorithm().equals(key.getAlgorithm())) {
            return Option.some("the key is " + key.getAlgorithm() + " but the certificate's is " + published.getAlgorithm());
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            default -> null;
        };
        if (algorithm == null) return Option.none();
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(published);
            verify.update(probe);
            return verify.verify(signature) ? Option.none() : Option.some("the key does not belong to the certificate");
        } catch (GeneralSecurityException e) {
            return Option.some("the key does not belong to the certificate (" + e.getMessage() + ")");
        }
    }

    /** Every problem with a server's certificate and key files, each naming its file; none when they serve. */
    public static Seq<String> problems(Path certFile, Path keyFile) {
        return server(certFile, keyFile).fold(problems -> problems, tls -> List.empty());
    }

    /** The TLS of a server that presents the certificate (and chain) in {@code certFile} with the key in {@code keyFile}. */
    public static Either<Seq<String>, Tls> server(Path certFile, Path keyFile) {
        var certs = certificates(certFile);
        var key = privateKey(keyFile);
        if (certs.isLeft() || key.isLeft()) {
            return Either.left(List.of(certs.swap().toOption(), key.swap().toOption()).flatMap(o -> o));
        }
        var wrong = mismatch(certs.get().head(), key.get());
        if (wrong.isDefined()) {
            return Either.left(List.of(keyFile + " does not fit " + certFile + ": " + wrong.get()));
        }
        try {
            return Either.right(Tls.builder().privateKey(key.get()).privateKeyCertChain(certs.get().toJavaList()).build());
        } catch (RuntimeException e) {
            return Either.left(List.of("cannot use " + certFile + " and " + keyFile + " for TLS: " + e.getMessage()));
        }
    }

    /**
     * The TLS of a client that trusts only the CA certificates in {@code caFile} and checks that
     * each server's certificate names the host it was reached by.
     */
    public static Either<String, Tls> client(Path caFile) {
        return certificates(caFile).flatMap(cas -> {
            try {
                return Either.right(Tls.builder().trust(cas.toJavaList())
                        .endpointIdentificationAlgorithm(Tls.ENDPOINT_IDENTIFICATION_HTTPS).build());
            } catch (RuntimeException e) {
                return Either.left("cannot trust the CA in " + caFile + ": " + e.getMessage());
            }
        });
    }

    /** The first certificate of a file in words, for a log line: its serial and expiry. */
    public static String describe(Path certFile) {
        return certificates(certFile).fold(why -> why, certs -> "serial " + certs.head().getSerialNumber().toString(16)
                + ", valid until " + certs.head().getNotAfter().toInstant());
    }

    private static Either<String, byte[]> read(Path file) {
        try {
            if (Files.isDirectory(file)) return Either.left(file + " is a folder, not a PEM file");
            return Either.right(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Either.left("no file at " + file);
        } catch (AccessDeniedException e) {
            return Either.left("cannot read " + file + ": permission denied");
        } catch (IOException e) {
            return Either.left("cannot read " + file + ": " + e.getMessage());
        }
    }
}
