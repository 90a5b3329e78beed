using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Flip.Trainer.Plm;

/// <summary>The <c>hidden_act</c> values of Hugging Face BERT configs.</summary>
public static class BertActivation
{
    public static Tensor Apply(string name, Tensor x) => name switch
    {
        "gelu" => F.gelu(x),
        "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast" => F.gelu(x, TorchSharp.Modules.GELU.Approximate.tanh),
        "relu" => F.relu(x),
        "tanh" => x.tanh(),
        _ => throw new InvalidDataException($"unsupported hidden_act '{name}'"),
    };

    public static void Validate(string name, string source)
    {
        if (name is not ("gelu" or "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast" or "relu" or "tanh"))
            throw new InvalidDataException($"{source}: unsupported hidden_act '{name}' (supported: gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu, tanh)");
    }
}
