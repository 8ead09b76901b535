#include "trace/trace-hw_net_sgnic.h"
