"""Coefficients of JavaLstmForward.tanh: tanh(x) ~ x * P(x^2) / Q(x^2) on [-C, C], clamped outside.

Fitted by iteratively reweighted least squares (Sanathanan-Koerner weights 1/Q, Lawson-style
weights towards the minimax error), then checked in float32 with Horner's rule as the Java code
evaluates it. Usage: python3 fit_tanh.py C NP NQ   (the shipped fit: 9 5 5)
Needs numpy only; the build and the tests do not run it.
"""
import numpy as np, sys
C=float(sys.argv[1]); NP=int(sys.argv[2]); NQ=int(sys.argv[3])
x=np.linspace(0,C,20001)[1:]; s=x*x; t=np.tanh(x)
Qprev=np.ones_like(x)
wmm=np.ones_like(x)
for it in range(200):
    A=np.hstack([ x[:,None]*s[:,None]**np.arange(NP), -(t[:,None]*s[:,None]**np.arange(1,NQ)) ])
    wt=wmm/Qprev
    sol,*_=np.linalg.lstsq(A*wt[:,None],t*wt,rcond=None)
    p=sol[:NP]; q=np.concatenate([[1.0],sol[NP:]])
    Q=np.polyval(q[::-1],s); P=x*np.polyval(p[::-1],s)
    err=P/Q-t
    Qprev=Q
    if it>20: wmm=wmm*(1+0.3*np.abs(err)/np.abs(err).max())  # Lawson-style push towards minimax
print("double max err",np.abs(err).max(),"minQ",Q.min())
p32=[np.float32(c) for c in p]; q32=[np.float32(c) for c in q]
def f32(v):
    xs=np.clip(v,np.float32(-C),np.float32(C)); ss=xs*xs
    pp=np.zeros_like(xs)
    for c in p32[::-1]: pp=pp*ss+c
    qq=np.zeros_like(xs)
    for c in q32[::-1]: qq=qq*ss+c
    return xs*pp/qq
xx=np.linspace(-20,20,4000001).astype(np.float32)
e=np.abs(f32(xx).astype(np.float64)-np.tanh(xx.astype(np.float64)))
print("float32 max abs err:",e.max(),"at",xx[e.argmax()])
print("P",[repr(float(c)) for c in p32]); print("Q",[repr(float(c)) for c in q32])
