package io.streamrec.gateway;

import io.streamrec.gateway.auth.Roles;
import io.streamrec.ranker.ModelRegistry;
import io.streamrec.recommend.Features;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.List;
import java.util.Map;

/** The ranking models on disk and the one in service; reload on demand. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {
    @Inject
    ModelService models;

    /** A version on disk; {@code usable}: loadable and built on the gateway's feature list. */
    public record Version(String version, String status, boolean usable, String failure, Map<String, Object> metrics) {
    }

    public record Models(String ranker, String directory, String active, String featureVersion, int features,
                         List<Version> versions) {
    }

    public record Failure(String version, String reason) {
    }

    public record Reload(boolean changed, String active, String previous, List<Failure> failures) {
    }

    @GET
    @Path("models")
    @RolesAllowed(Roles.QUERY)
    @Operation(summary = "Model versions on disk, newest first, with their metrics, and the active one")
    public Models list() {
        String usable = models.usableModel().map(ModelRegistry.LoadedModel::version).orElse(null);
        List<Version> versions = models.registry().list().stream()
                .map(v -> new Version(v.version(), v.status().name().toLowerCase(java.util.Locale.ROOT),
                        v.version().equals(usable), v.status() == ModelRegistry.Status.ACTIVE && usable == null
                        ? "its features are not the gateway's (" + Features.VERSION + "): ranking by retrieval score" : v.failure(),
                        v.metrics()))
                .toList();
        return new Models(models.mode(), models.directory().toString(),
                models.registry().active().map(ModelRegistry.LoadedModel::version).orElse(null),
                Features.VERSION, Features.SIZE, versions);
    }

    @POST
    @Path("admin/models/reload")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Load the newest valid model now; a newer model that fails to load leaves the current one serving")
    public Reload reload() {
        ModelRegistry.ReloadResult r = models.registry().reload();
        return new Reload(r.changed(), r.activeVersion(), r.previousVersion(),
                r.failures().stream().map(f -> new Failure(f.version(), f.reason())).toList());
    }
}
