package dev.capstan.console.service;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The part of model-registry's REST API the console acts through: read an alias, move it, roll it back. */
@RegisterRestClient(configKey = "registry")
@Path("/api/v1/models")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface RegistryApi {

    @GET
    @Path("/{name}/aliases/{alias}")
    Response alias(@PathParam("name") String name, @PathParam("alias") String alias);

    @PUT
    @Path("/{name}/aliases/{alias}")
    Response move(@PathParam("name") String name, @PathParam("alias") String alias, JsonNode body,
            @HeaderParam("If-Match") String ifMatch, @HeaderParam("X-Capstan-User") String user);

    @POST
    @Path("/{name}/aliases/{alias}/rollback")
    Response rollback(@PathParam("name") String name, @PathParam("alias") String alias, @QueryParam("to") Integer to,
            JsonNode body, @HeaderParam("If-Match") String ifMatch, @HeaderParam("X-Capstan-User") String user);
}
