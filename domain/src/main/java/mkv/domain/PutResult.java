package mkv.domain;

import io.vavr.collection.Seq;

/** Every way a PUT can end. */
public sealed interface PutResult {
    record Created(Entry entry) implements PutResult {}

    record AlreadyExists() implements PutResult {}

    /** {@code If-Match: *} and the key has no live value. */
    record NoLiveValue() implements PutResult {}

    /** {@code If-Match: "<md5>"} and the live value is another one. */
    record PreconditionFailed() implements PutResult {}

    /** {@code If-Match} and the key's value is lost (GET answers 410): no current value to match. */
    record ValueLost() implements PutResult {}

    record Busy() implements PutResult {}

    record EmptyBody() implements PutResult {}

    /** A target volume was down; nothing was written. */
    record Unavailable(Seq<Volume> down) implements PutResult {}

    /** The client's body broke off; what was written is rolled back. */
    record BodyBroken(String detail) implements PutResult {}

    /** The body's md5 is not the one the client declared; what was written is rolled back. */
    record Md5Mismatch(Md5 declared, Md5 computed) implements PutResult {}

    /** A replica failed; what was written is rolled back (or left WRITING for recovery if that failed too). */
    record ReplicaFailed(Seq<Transfer.Failed> failures) implements PutResult {}
}
