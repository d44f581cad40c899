/* A stand-in for bcryptprimitives.dll, which Wine 8 lacks and Rust's std imports (ProcessPrng,
 * since Rust 1.78): ProcessPrng forwarded to advapi32's RtlGenRandom (SystemFunction036).
 * Test harness only (wine/run builds it into the Wine prefix's system32); never ship it. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
