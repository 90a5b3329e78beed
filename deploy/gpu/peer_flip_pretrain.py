# Copied from ../shared/bench/peer_flip_pretrain.py for the GPU bundle (deploy/gpu/). The work per step is
# unchanged (same model, shapes, losses, optimizer, synthetic batch). Changes, all outside the step:
#   - an optional third argument, the number of timed steps (default 30, the original's);
#   - after the original line it prints one JSON line (prefix "peer-json ") with samples/s and
#     torch.cuda.max_memory_allocated / max_memory_reserved, which deploy/gpu/run.sh collects.
# A PyTorch reference of one FLIP pretraining step (paper section 3.3), written for this steering repo as a
# throughput peer for the C# implementation: same shapes as the paper's ML-1M setting (8 fields, 100 tokens,
# TinyBERT 4L-312, DCN-Mix + DNN[300,300,128], MLM + MTM(NCE K=25) + ICL). Inputs are synthetic; only speed
# is measured. Usage: python3 peer_flip_pretrain.py [batch] [amp: 0|1]
import sys, time, math, torch, torch.nn as nn, torch.nn.functional as F

N_STEPS = int(sys.argv[3]) if len(sys.argv) > 3 else 30
B = int(sys.argv[1]) if len(sys.argv) > 1 else 128
AMP = len(sys.argv) > 2 and sys.argv[2] == "1"
dev = "cuda"
FIELDS, L, V, M, E = 8, 100, 30522, 16849, 32          # fields, tokens, word vocab, features, emb size
DT, HEADS, FF, LAYERS = 312, 12, 1200, 4               # TinyBERT
K, TAU = 25, 0.7

class Bert(nn.Module):
    def __init__(s):
        super().__init__()
        s.tok, s.pos, s.typ = nn.Embedding(V, DT), nn.Embedding(512, DT), nn.Embedding(2, DT)
        s.ln = nn.LayerNorm(DT)
        layer = nn.TransformerEncoderLayer(DT, HEADS, FF, 0.1, activation="gelu", batch_first=True, norm_first=False)
        s.enc = nn.TransformerEncoder(layer, LAYERS, enable_nested_tensor=False)
    def forward(s, ids, mask):
        x = s.ln(s.tok(ids) + s.pos.weight[: ids.shape[1]] + s.typ.weight[0])
        return s.enc(x, src_key_padding_mask=~mask)

class CrossMix(nn.Module):  # DCN-Mix: low rank 32, 4 experts, 2 layers
    def __init__(s, d, rank=32, experts=4, layers=2):
        super().__init__()
        s.U = nn.Parameter(torch.randn(layers, experts, d, rank) * 0.01)
        s.Vp = nn.Parameter(torch.randn(layers, experts, d, rank) * 0.01)
        s.C = nn.Parameter(torch.randn(layers, experts, rank, rank) * 0.01)
        s.gate = nn.ModuleList([nn.Linear(d, 1, bias=False) for _ in range(experts)])
        s.b = nn.Parameter(torch.zeros(layers, d))
        s.layers, s.experts = layers, experts
    def forward(s, x0):
        x = x0
        for i in range(s.layers):
            outs, gates = [], []
            for e in range(s.experts):
                v = torch.tanh(x @ s.Vp[i, e]); v = torch.tanh(v @ s.C[i, e]); u = v @ s.U[i, e].T
                outs.append(x0 * (u + s.b[i])); gates.append(s.gate[e](x))
            w = torch.softmax(torch.stack(gates, 1), 1)
            x = (torch.stack(outs, 1) * w).sum(1) + x
        return x

class IdModel(nn.Module):
    def __init__(s):
        super().__init__()
        s.emb = nn.Embedding(M + 2, E)
        d = FIELDS * E
        s.cross = CrossMix(d)
        s.dnn = nn.Sequential(nn.Linear(d, 300), nn.ReLU(), nn.Linear(300, 300), nn.ReLU(), nn.Linear(300, 128), nn.ReLU())
        s.out_dim = d + 128
    def forward(s, x):
        e = s.emb(x).flatten(1)
        return torch.cat([s.cross(e), s.dnn(e)], 1)

bert, idm = Bert().to(dev), IdModel().to(dev)
DV = idm.out_dim
mlm = nn.Sequential(nn.Linear(DT + DV, DT), nn.Tanh(), nn.Dropout(0.2), nn.Linear(DT, V)).to(dev)
q_proj, q_ln = nn.Linear(DV, DT).to(dev), nn.LayerNorm(DT).to(dev)
feat_head = nn.Linear(DV + DT, FIELDS * E).to(dev)
out_emb, out_bias = nn.Embedding(M + 2, E).to(dev), nn.Embedding(M + 2, 1).to(dev)
proj_t, proj_v = nn.Linear(DT, 128).to(dev), nn.Linear(DV, 128).to(dev)
params = [p for m in (bert, idm, mlm, q_proj, q_ln, feat_head, out_emb, out_bias, proj_t, proj_v) for p in m.parameters()]
opt = torch.optim.AdamW(params, lr=5e-5, weight_decay=1e-3)
freq = torch.rand(M + 2, device=dev) + 1e-3; logq = torch.log(freq / freq.sum())

def batch():
    ids = torch.randint(1000, V, (B, L), device=dev); mask = torch.ones(B, L, dtype=torch.bool, device=dev)
    tab = torch.randint(2, M + 2, (B, FIELDS), device=dev)
    # field-level masking: 1 of 8 fields; each field owns ~10 contiguous value tokens here
    mf = torch.randint(0, FIELDS, (B,), device=dev)
    pos = torch.arange(L, device=dev)[None]
    tmask = (pos >= 2 + mf[:, None] * 12) & (pos < 12 + mf[:, None] * 12)
    mids = ids.masked_fill(tmask, 103)
    tf = torch.randint(0, FIELDS, (B,), device=dev)
    mtab = tab.scatter(1, tf[:, None], 1)
    return ids, mids, mask, tab, mtab, tmask, tf

def step():
    ids, mids, mask, tab, mtab, tmask, tf = batch()
    with torch.autocast("cuda", dtype=torch.bfloat16, enabled=AMP):
        w, w_hat = bert(ids, mask), bert(mids, mask)
        v, v_hat = idm(tab), idm(mtab)
        # MLM: masked tokens from [w_hat_l ; v]
        bi, li = tmask.nonzero(as_tuple=True)
        logits = mlm(torch.cat([w_hat[bi, li], v[bi]], 1))
        l_mlm = F.cross_entropy(logits.float(), ids[bi, li])
        # MTM: cross attention of v_hat over w, per-field head, NCE with K noise ids
        q = q_ln(q_proj(v_hat))
        att = torch.softmax((q[:, None] @ w.transpose(1, 2)).squeeze(1) / math.sqrt(DT), -1)
        u = (att[:, None] @ w).squeeze(1)
        h = feat_head(torch.cat([v_hat, u], 1)).view(B, FIELDS, E)[torch.arange(B, device=dev), tf]
        pos_id = tab[torch.arange(B, device=dev), tf]
        noise = torch.multinomial(freq, B * K, replacement=True).view(B, K)
        cand = torch.cat([pos_id[:, None], noise], 1)
        s = (out_emb(cand) * h[:, None]).sum(-1) + out_bias(cand).squeeze(-1) - logq[cand] - math.log(K)
        lbl = torch.zeros_like(s); lbl[:, 0] = 1
        l_mtm = F.binary_cross_entropy_with_logits(s.float(), lbl)
        # ICL
        zt, zv = proj_t(w[:, 0]), proj_v(v)
        sim = (zt @ zv.T).float() / TAU; tgt = torch.arange(B, device=dev)
        l_icl = (F.cross_entropy(sim, tgt) + F.cross_entropy(sim.T, tgt)) / 2
        loss = l_mlm + l_mtm + l_icl
    opt.zero_grad(set_to_none=True); loss.backward(); opt.step()

for _ in range(5): step()
torch.cuda.synchronize(); t = time.time(); n = N_STEPS
for _ in range(n): step()
torch.cuda.synchronize()
elapsed = time.time() - t
print(f"pytorch FLIP pretrain step: batch {B} amp {int(AMP)}: {n * B / elapsed:.0f} samples/s")
import json
print("peer-json " + json.dumps({"batch": B, "amp": int(AMP), "steps": n, "seconds": elapsed, "samples_per_second": n * B / elapsed,
      "max_memory_allocated": torch.cuda.max_memory_allocated(), "max_memory_reserved": torch.cuda.max_memory_reserved(),
      "torch": torch.__version__, "device": torch.cuda.get_device_name()}))
