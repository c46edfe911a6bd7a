/* fc-welfare: special Party-fee funds, the ledger and payments. */
#include "fc_service.h"

int main(int argc, char **argv)
{
    const fc_service_def_t def = {.name = "welfare"};
    return fc_service_main(&def, argc, argv);
}
