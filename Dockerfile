# One image recipe for every Claims program; pick it with the SERVICE build argument, e.g.
#   docker build --build-arg SERVICE=Claims.Ingestion -t claims-ingestion .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG SERVICE
WORKDIR /src
COPY . .
# Compiled ahead of time (ReadyToRun) for the image's platform: a service answers its first requests without waiting for
# the JIT, and a batch command such as the query service's rebuild spends its CPU on the work (a fifth went to the JIT;
# scripts/rebuild.sh goes further and compiles the framework with the service, which takes minutes).
RUN dotnet publish "services/${SERVICE}/${SERVICE}.csproj" -c Release --use-current-runtime --self-contained false \
    -p:PublishReadyToRun=true -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
ARG SERVICE
ENV SERVICE_DLL=${SERVICE}.dll
WORKDIR /app
COPY --from=build /app .
COPY seeds /seeds
USER $APP_UID
ENTRYPOINT ["sh", "-c", "exec dotnet \"$SERVICE_DLL\" \"$@\"", "--"]
