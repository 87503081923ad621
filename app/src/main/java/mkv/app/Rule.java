package mkv.app;

import io.vavr.control.Option;
import java.time.Duration;

/**
 * What a setting's value must satisfy, as a pure check that names the problem (without the
 * setting's name, which the caller puts in front) or answers none. The coordinator's settings
 * and the admin commands' flags share these, so a range is written once.
 */
@FunctionalInterface
interface Rule<T> {

    Option<String> check(T value);

    /** The problem with {@code value}, prefixed with the name it was given under (a setting or a flag). */
    default Option<String> check(String name, T value) {
        return check(value).map(why -> name + ": " + why);
    }

    static <T> Rule<T> any() {
        return value -> Option.none();
    }

    static Rule<Integer> between(int low, int high) {
        return n -> n < low || n > high ? Option.some(n + " is outside " + low + "-" + high) : Option.none();
    }

    static Rule<Integer> atLeast(int low) {
        return n -> n < low ? Option.some("must be at least " + low + ", not " + n) : Option.none();
    }

    static Rule<Double> notNegative() {
        return x -> x < 0 ? Option.some("must be 0 or more, not " + x) : Option.none();
    }

    static Rule<Duration> positive() {
        return d -> d.isNegative() || d.isZero() ? Option.some("must be positive") : Option.none();
    }

    static Rule<Duration> notNegativeDuration() {
        return d -> d.isNegative() ? Option.some("must not be negative") : Option.none();
    }
}
