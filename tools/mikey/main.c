#include <stdio.h>
#include "openmikey/openmikey.h"
int main(void) { printf("mikey %s\n", mikey_version()); return 0; }
