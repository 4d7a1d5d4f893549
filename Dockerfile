# One image recipe for every Claims program; pick it with the SERVICE build argument, e.g.
#   docker build --build-arg SERVICE=Claims.Ingestion -t claims-ingestion .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG SERVICE
WORKDIR /src
COPY . .
RUN dotnet publish "services/${SERVICE}/${SERVICE}.csproj" -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
ARG SERVICE
ENV SERVICE_DLL=${SERVICE}.dll
WORKDIR /app
COPY --from=build /app .
COPY seeds /seeds
USER $APP_UID
ENTRYPOINT ["sh", "-c", "exec dotnet \"$SERVICE_DLL\" \"$@\"", "--"]
