package mkv.app;

import io.vavr.collection.List;
import io.vavr.control.Either;
import java.time.Duration;
import java.util.function.Function;
import io.helidon.common.tls.Tls;
import io.vavr.collection.Seq;
import io.vavr.control.Option;
import mkv.adapter.nginx.NginxVolumes;
import mkv.adapter.nginx.VolumeList;
import mkv.adapter.tls.TlsFiles;
import mkv.domain.Identity;
import mkv.domain.Volume;
import mkv.domain.flow.Clusters;
import mkv.domain.port.Index;
import mkv.domain.port.ServedIndex;
import mkv.domain.port.Volumes;

/** What rebuild, rebalance and verify share: their exit codes, volume and index opening, usage errors. */
final class AdminTool {
    private AdminTool() {}

    static final int CLEAN = 0;
    static final int DAMAGE = 1;
    static final int USAGE = 2;

    /** The volumes flag, parsed as {@code mkv server} parses it (https:// included), with duplicates refused. */
    static Either<List<String>, VolumeList> volumes(java.util.List<String> texts) {
        Either<List<String>, VolumeList> parsed = VolumeList.parse(texts == null ? java.util.List.<String>of() : texts)
                .mapLeft(errors -> errors.map(e -> "--volumes: " + e));
        if (parsed.isLeft()) return parsed;
        Seq<Volume> all = parsed.get().volumes();
        if (all.isEmpty()) return Either.left(List.of("--volumes: at least one volume (host:port) is needed"));
        if (all.distinct().size() != all.size()) return Either.left(List.of("--volumes: a volume is listed twice"));
        return parsed;
    }

    static int usage(String command, List<String> problems) {
        problems.forEach(p -> System.err.println("mkv " + command + ": " + p));
        System.err.println("mkv " + command + ": see 'mkv " + command + " --help'");
        return USAGE;
    }

    /**
     * Whether the index and the volumes are one cluster's (see {@link Identity#mismatches}):
     * every reason they are not; empty when they are. Blank volumes (new ones, e.g. added for
     * a rebalance) are stamped with the index's id when {@code stampBlank}.
     */
    static io.vavr.collection.Seq<String> sameCluster(Index index, Volumes volumes, io.vavr.collection.Seq<Volume> all, boolean stampBlank) {
        var seen = Clusters.look(volumes, all, false);
        var mismatches = Identity.mismatches(index.cluster(), seen);
        if (mismatches.isEmpty() && stampBlank && index.cluster().isDefined()) {
            var blank = seen.filter(s -> s.mark() instanceof mkv.domain.VolumeMark.Blank).map(Identity.Seen::volume);
            Clusters.stamp(volumes, blank, index.cluster().get(), "mkv-admin").forEach(w -> System.err.println("mkv: " + w));
        }
        return mismatches;
    }

    /** What an admin command does with its index and volumes, once both are open. */
    @FunctionalInterface
    interface Job {
        int run(ServedIndex index, NginxVolumes volumes) throws Exception;
    }

    /**
     * Opens the volumes' client, then the index with {@code open} ({@link Indexes#existing} beside a
     * coordinator, {@link Indexes#forRebuild}), runs {@code job} and closes both; a refusal of
     * either is a usage error naming its flag, and nothing is opened that is not closed.
     */
    static int run(String command, VolumeList listed, AdminOptions options, IndexLocation db,
                   Function<IndexLocation, Either<String, ServedIndex>> open, Job job) throws Exception {
        Either<List<String>, NginxVolumes> client = volumes(listed, options);
        if (client.isLeft()) return usage(command, client.getLeft());
        Either<String, ServedIndex> opened;
        try {
            opened = open.apply(db);
        } catch (RuntimeException e) {
            client.get().close();
            throw e;
        }
        if (opened.isLeft()) {
            client.get().close();
            return usage(command, List.of(opened.getLeft()));
        }
        try (ServedIndex index = opened.get(); NginxVolumes nginx = client.get()) {
            return job.run(index, nginx);
        }
    }

    /**
     * The client for the listed volumes: https ones are verified against {@code --tls-ca}, which
     * they need; every problem with that flag is named.
     */
    static Either<List<String>, NginxVolumes> volumes(VolumeList list, AdminOptions options) {
        Option<Tls> trust = Option.none();
        if (options.tlsCa != null) {
            var client = TlsFiles.client(options.tlsCa);
            if (client.isLeft()) return Either.left(List.of("--tls-ca: " + client.getLeft()));
            trust = Option.some(client.get());
        } else if (!list.https().isEmpty()) {
            return Either.left(List.of("--tls-ca: needed to verify the https volumes (" + list.https().mkString(",")
                    + "): give the PEM certificate of the CA that signed theirs"));
        }
        return Either.right(new NginxVolumes(NginxVolumes.Options.defaults().withTimeouts(Duration.ofSeconds(2), options.readTimeout), list, trust,
                options.signing()));
    }

}
