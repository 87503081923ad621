package mkv.domain;

/** Why a request path is not a usable key: a value the HTTP shell turns into a 400. */
public record InvalidKey(String reason, String input) {}
