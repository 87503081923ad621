package mkv.adapter.nginx;

import io.vavr.control.Either;
import io.vavr.control.Option;
import java.util.regex.Pattern;

/**
 * The account nginx's worker processes run as, the {@code user} line of the generated config.
 * Only a master started as root can switch its workers to another account; one started as
 * anyone else runs its workers as itself and needs no line.
 */
public record WorkerUser(String user, String group) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,31}");

    public WorkerUser {
        if (user == null || !NAME.matcher(user).matches()) throw new IllegalArgumentException("not a user name: " + user);
        if (group == null || !NAME.matcher(group).matches()) throw new IllegalArgumentException("not a group name: " + group);
    }

    /** The config line. */
    String directive() {
        return "user " + user + " " + group + ";";
    }

    /**
     * Pure. Which account nginx's workers must switch to, or none when they simply run as the
     * starting user: a non-root start needs no switch (and cannot make one); a root start
     * switches to {@code asked} (--user) or else to the owner of the volume's folder, and is
     * refused when that would be root itself, so that no worker serving the network ever runs as
     * root.
     */
    public static Either<String, Option<String>> decide(String currentUser, Option<String> asked, String folderOwner, String folder) {
        if (!currentUser.equals("root")) {
            if (asked.isDefined() && !asked.get().equals(currentUser)) {
                return Either.left("--user " + asked.get() + " needs mkv volume to start as root; started as " + currentUser
                        + ", nginx's workers run as " + currentUser + " (leave out --user, or start it as root)");
            }
            return Either.right(Option.none());
        }
        String name = asked.getOrElse(folderOwner);
        if (name.equals("root")) {
            return Either.left("nginx's workers would run as root: " + folder + " belongs to root and no --user is given. "
                    + "Pass --user NAME (an unprivileged account; the folders mkv creates become its own), "
                    + "or chown the folder to the account that should serve it");
        }
        return Either.right(Option.some(name));
    }
}
