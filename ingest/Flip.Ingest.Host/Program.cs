using Flip.FeatureStore.Errors;
using Flip.Ingest.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

// flip-ingest: the ingest worker in the Generic Host. Configuration as for `flip ingest` (appsettings.json,
// environment), plus command-line keys, e.g. --Kafka:BootstrapServers=127.0.0.1:9092 --Store:Root=/data/store.
// Exit codes and messages follow the one error policy (docs/architecture.md): bad settings or environment -> 2, a bug -> 1.
return await ErrorPolicy.RunAsync(async () =>
{
    var builder = IngestHost.CreateBuilder();
    builder.Configuration.AddCommandLine(args);
    using var host = builder.Build();
    return await IngestHost.RunAsync(host);
}, Console.Error);
