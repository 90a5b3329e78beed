using Confluent.Kafka;
using Flip.Hosting;
using Flip.Registry;
using Microsoft.Extensions.Logging;

namespace Flip.Trainer.Online;

/// <summary>Tells others that a version was published (after the registry rename). An announcement is only a hint: readers verify the registry.</summary>
public interface IModelAnnouncer : IDisposable
{
    void Announce(string modelName, PublishedModel model);
}

/// <summary>Announces on Kafka (<c>flip.models</c>, key = model name, JSON <see cref="ModelAnnouncement"/>); delivery failures are logged, never fatal.</summary>
public sealed class KafkaModelAnnouncer(KafkaOptions kafka, string topic, ILogger log) : IModelAnnouncer
{
    private readonly IProducer<string, byte[]> _producer = new ProducerBuilder<string, byte[]>(kafka.Apply(new ProducerConfig
    {
        Acks = Acks.All,
        EnableIdempotence = true,
        MessageTimeoutMs = 30_000,
    })).Build();

    public void Announce(string modelName, PublishedModel model)
    {
        var value = ModelAnnouncement.Of(model).ToJsonBytes();
        _producer.Produce(topic, new Message<string, byte[]> { Key = modelName, Value = value }, report =>
        {
            if (report.Error.IsError) log.LogWarning("Announcement of model {Model} version {Version} on {Topic} failed: {Error}", modelName, model.Version, topic, report.Error.Reason);
        });
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }
}
