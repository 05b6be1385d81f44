/* Test-only stand-in for Windows' bcryptprimitives.dll, which Wine 8.0 lacks.
 *
 * Rust's standard library (1.78 and later) takes its random bytes from
 * `ProcessPrng` in bcryptprimitives.dll; without that DLL chibo.exe does not start
 * under Wine 8.0. This one answers with advapi32's RtlGenRandom (SystemFunction036).
 * The Windows tests (tests/chibo/windows.rs) build it with mingw and put it beside
 * their copy of chibo.exe. It never goes into the package (dist/windows.sh): real
 * Windows 10 and later ship the DLL. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x7fffffff ? 0x7fffffff : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
