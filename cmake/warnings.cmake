# warnings.cmake -- the warning set of STYLE.md section 10; warnings are errors.
add_compile_options(-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
    -Wmissing-prototypes -Wcast-qual -Wpointer-arith -Wsign-compare -Wformat=2
    -Wno-unused-parameter -fno-common -fstack-protector-strong)
if(CMAKE_C_COMPILER_ID STREQUAL "GNU")
	add_compile_options(-Wno-format-nonliteral)
endif()
