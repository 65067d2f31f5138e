"""numba intrinsics that make compiled code faster without changing a result.

The hours are bound by memory latency: each session reads its professional, the index
entries and the memberships at scattered rows, one chain of dependent loads after another
(docs/SCALING.md, "Fourth round"). Two things stood in the way of overlapping them:

- :func:`unowned`: numba counts references to every array it passes to an inlined
  function. A visit passed the kernel's tuples of arrays (about 40 arrays) on to ``read``
  and from there to ``post`` and ``reply``, and numba's reference-count pruning could not
  remove the pairs, so every visit made about 80 atomic increments and decrements, each of
  which waits for the memory operations before it. An array without its memory owner
  (NULL ``meminfo``) has nothing to count: the same code runs with the counting reduced to
  a null check. The owner (the Python caller's state) outlives the call.
- :func:`prefetch`: a hint that the CPU should start loading an element that a later
  session will read (LLVM's ``llvm.prefetch``), so the loads of several sessions are in
  flight at once instead of one after another.

And for the membership index's update (:func:`sim.state.merge_index`), :func:`move`:
numba copies a slice onto an overlapping slice of the same array through a fresh
temporary, and an element-by-element loop that runs backwards is not turned into a block
copy; C's ``memmove`` does neither.
"""

from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic


def _without_owner(context, builder, array_type, value):
    """The array struct ``value`` with NULL ``meminfo`` and ``parent``: a borrowed view of the same data."""
    array = context.make_array(array_type)(context, builder, value=value)
    array.meminfo = cgutils.get_null_value(array.meminfo.type)
    array.parent = cgutils.get_null_value(array.parent.type)
    return array._getvalue()


@intrinsic
def unowned(typingctx, arrays):
    """The tuple (or namedtuple) ``arrays`` with each array borrowed: numba's reference counting skips it.

    Members that are not arrays are kept as they are. Use only for arrays that outlive the
    compiled call (arguments the Python caller holds), and never store the result.
    """
    if not isinstance(arrays, types.BaseTuple):
        return None

    def codegen(context, builder, signature, args):
        values = cgutils.unpack_tuple(builder, args[0], len(arrays))
        values = [_without_owner(context, builder, t, v) if isinstance(t, types.Array) else v
                  for t, v in zip(arrays, values, strict=True)]
        return context.make_tuple(builder, arrays, values)

    return arrays(arrays), codegen


@intrinsic
def prefetch(typingctx, array, index):
    """Hint the CPU to load ``array[index]`` into its caches; no bounds check, no effect on any value.

    A prefetch of an address outside the array does not fault; the kernel only asks for
    elements it is about to read.
    """
    if not (isinstance(array, types.Array) and array.ndim == 1 and isinstance(index, types.Integer)):
        return None

    def codegen(context, builder, signature, args):
        arr = context.make_array(array)(context, builder, value=args[0])
        pointer = cgutils.get_item_pointer(context, builder, array, arr, [args[1]], wraparound=False,
                                           boundscheck=False)
        i8p, i32 = ir.PointerType(ir.IntType(8)), ir.IntType(32)
        llvm_prefetch = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32]), "llvm.prefetch.p0")
        # read (0), keep in all cache levels (3), data cache (1)
        builder.call(llvm_prefetch, [builder.bitcast(pointer, i8p), i32(0), i32(3), i32(1)])
        return context.get_dummy_value()

    return types.none(array, index), codegen


@intrinsic
def move(typingctx, array, dst, src, count):
    """``array[dst:dst + count] = array[src:src + count]``, the two ranges may overlap (``memmove``).

    A contiguous one-dimensional array only; no bounds check (the caller keeps both ranges inside it).
    """
    if not (isinstance(array, types.Array) and array.ndim == 1 and array.layout == "C"
            and all(isinstance(x, types.Integer) for x in (dst, src, count))):
        return None

    def codegen(context, builder, signature, args):
        arr = context.make_array(array)(context, builder, value=args[0])
        at, start, n = (context.cast(builder, v, t, types.intp) for v, t in zip(args[1:], signature.args[1:],
                                                                                 strict=True))
        pointer = [cgutils.get_item_pointer(context, builder, array, arr, [i], wraparound=False, boundscheck=False)
                   for i in (at, start)]
        cgutils.raw_memmove(builder, pointer[0], pointer[1], n, context.get_abi_sizeof(context.get_data_type(
            array.dtype)))
        return context.get_dummy_value()

    return types.none(array, dst, src, count), codegen
