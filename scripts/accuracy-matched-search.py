# The accuracy-matched float network's search (docs/reproducing.md): which narrowed tanh network ends the
# 12-bit protocol near the BNN's training accuracy (~0.86)? PyTorch on the CPU, the protocol approximated
# (80 % random train split, Adam 4e-4 eps 1e-7, batch 512, tanh hidden layers, softmax output, PyTorch's
# default init, not IDNNs'): a short search to choose the widths, not a measurement the study uses.
# The labels are src/data/bits12.ts's rule (2118 ones, checked).
#   python3 scripts/accuracy-matched-search.py 2-2-2-2-2 8000 3    # widths, epochs, seeds
import math, sys, torch, numpy as np
torch.set_num_threads(1)
PHI=(1+5**.5)/2
V=np.array([[0,1,PHI],[1,PHI,0],[0,1,-PHI],[-1,PHI,0],[PHI,0,-1],[0,-1,PHI],[1,-PHI,0],[-1,-PHI,0],[-PHI,0,-1],[0,-1,-PHI],[-PHI,0,1],[PHI,0,1]])
V/=np.linalg.norm(V,axis=1,keepdims=True)
X=np.array([[(r>>(11-c))&1 for c in range(12)] for r in range(4096)],dtype=np.float32)
S=X@V; y=((X.sum(1)+np.linalg.norm(S,axis=1))>7.6).astype(np.int64)
assert y.sum()==2118
widths=[int(w) for w in sys.argv[1].split('-')]; epochs=int(sys.argv[2])
accs=[]
for seed in range(int(sys.argv[3])):
  g=np.random.default_rng(seed); perm=g.permutation(4096); tr=perm[:3277]
  torch.manual_seed(seed)
  layers=[]; k=12
  for w in widths: layers+=[torch.nn.Linear(k,w),torch.nn.Tanh()]; k=w
  layers.append(torch.nn.Linear(k,2)); net=torch.nn.Sequential(*layers)
  opt=torch.optim.Adam(net.parameters(),lr=4e-4,eps=1e-7)
  Xt=torch.tensor(X[tr]); yt=torch.tensor(y[tr]); lossf=torch.nn.CrossEntropyLoss()
  for e in range(epochs):
    p=torch.randperm(len(tr))
    for i in range(0,len(tr),512):
      b=p[i:i+512]; opt.zero_grad(); lossf(net(Xt[b]),yt[b]).backward(); opt.step()
  with torch.no_grad(): accs.append((net(Xt).argmax(1)==yt).float().mean().item())
print(sys.argv[1], epochs, ' '.join(f'{a:.3f}' for a in accs), f'mean {np.mean(accs):.3f}', flush=True)
