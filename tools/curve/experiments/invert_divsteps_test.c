#include "../../../_native/curve25519.c"
#include "invert_divsteps.h"
#include <stdio.h>
#include <time.h>
void olmpy_wipe(void *p, size_t n){memset(p,0,n);}
void olmpy_sha512(const uint8_t *d, size_t l, uint8_t o[64]){(void)d;(void)l;memset(o,1,64);}
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec*1e9+t.tv_nsec;}
static uint64_t st=88172645463325252ull; static uint64_t xr(void){st^=st<<13;st^=st>>7;st^=st<<17;return st;}
int main(void){
  int bad=0; uint8_t a[32],b[32];
  for(int it=0;it<200000;it++){
    cfe z; for(int i=0;i<5;i++) z.v[i]=xr()&((1ull<<53)-1);
    if(it<8){ cfe_zero(&z); if(it==1) z.v[0]=1; if(it==2){z.v[0]=CMASK51-18;z.v[1]=z.v[2]=z.v[3]=z.v[4]=CMASK51;} if(it==3){z.v[0]=CMASK51-19;z.v[1]=z.v[2]=z.v[3]=z.v[4]=CMASK51;} if(it==4){for(int i=0;i<5;i++)z.v[i]=CMASK51;} if(it==5) z.v[0]=2; if(it==6) z.v[4]=1ull<<50; if(it==7){z.v[0]=CMASK51-17;z.v[1]=z.v[2]=z.v[3]=z.v[4]=CMASK51;}}
    cfe h1,h2; cfe_invert(&h1,&z); cfe_invert_divsteps(&h2,&z); cfe_tobytes(a,&h1); cfe_tobytes(b,&h2);
    if(memcmp(a,b,32)){ if(bad<5) printf("differ at %d\n",it); bad++; }
  }
  printf("bad %d\n",bad);
  cfe z={{1,2,3,4,5}};
  double t0=now(); for(int i=0;i<20000;i++) cfe_invert(&z,&z); double t1=now(); printf("fermat %.0f ns\n",(t1-t0)/2e4);
  t0=now(); for(int i=0;i<20000;i++) cfe_invert_divsteps(&z,&z); t1=now(); printf("divsteps %.0f ns\n",(t1-t0)/2e4);
  printf("%lu\n",z.v[0]);
}
